import Foundation
import OrderBatchCore
import Testing

@Suite struct AttemptLogWriterTests {
    private static let line = AttemptLogLine(
        seq: 7, orderID: "ORD7", generation: 2,
        record: AttemptRecord(
            attempt: 3, phase: .send, startedAt: Date(timeIntervalSince1970: 1_750_000_000.123_9),
            latencyMilliseconds: 12.3456, httpStatus: 503, errorCode: "SERVER_ERROR", message: "=down, \"really\"",
            result: .retryable))
    private static let read = AttemptLogLine(
        seq: 8, orderID: "ORD8", generation: 1,
        record: AttemptRecord(
            attempt: 0, phase: .preflight, startedAt: Date(timeIntervalSince1970: 1_750_000_001), result: .succeeded))

    private func written(_ format: ReportFormat, _ lines: [AttemptLogLine]) throws -> String {
        try withTemporaryDirectory { directory in
            let path = directory + "/log"
            let output = try FileDescriptorWriter(creatingFileAt: path)
            let writer = AttemptLogWriter(format: format, output: output)
            for line in lines { try writer.write(line) }
            try writer.finish()
            try output.close()
            return try contents(path)
        }
    }

    @Test func csvHasAHeaderAndGuardsFormulas() throws {
        let text = try written(.csv, [Self.line, Self.read])
        #expect(
            text == "time,order_id,row,phase,generation,attempt,latency_ms,http_status,outcome,error_code,message\r\n"
                + "2025-06-15T15:06:40.123Z,ORD7,7,update,2,3,12.346,503,retryable,SERVER_ERROR,\"'=down, \"\"really\"\"\"\r\n"
                + "2025-06-15T15:06:41.000Z,ORD8,8,preflight,1,0,,,succeeded,,\r\n")
    }

    @Test func jsonlHasOneObjectPerAttempt() throws {
        let text = try written(.jsonl, [Self.line])
        #expect(
            text
                == #"{"time":"2025-06-15T15:06:40.123Z","order_id":"ORD7","row":7,"phase":"update","generation":2,"attempt":3,"latency_ms":12.346,"http_status":503,"outcome":"retryable","error_code":"SERVER_ERROR","message":"=down, \"really\""}"#
                + "\n")
    }

    @Test func anEmptyCSVLogIsItsHeader() throws {
        #expect(try written(.csv, []).hasPrefix("time,order_id,"))
        #expect(try written(.jsonl, []).isEmpty)
    }
}
