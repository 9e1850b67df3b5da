import OrderBatchCommands

/// The thin executable: all behaviour lives in `OrderBatchCommands` and `OrderBatchCore`.
@main
struct Entrypoint {
    static func main() async {
        await OrderBatchMain.main()
    }
}
