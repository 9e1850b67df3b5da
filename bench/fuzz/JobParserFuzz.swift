// libFuzzer target for the job-file parser (JobParser over Yams). Built and run by bench/fuzz.sh.
//
// Every input must either give a Job or throw JobError; a trap is a bug (in the parser, or in
// how it drives Yams).
import OrderBatchCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJobParser(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    do {
        let job = try JobParser.parse(text: text, path: "/nonexistent/fuzz/job.yaml")
        _ = String(describing: job)
    } catch {
        _ = error.description
    }
    return 0
}
