import OrderBatchCore
import Testing

@Suite struct CSVFormulaGuardTests {
    @Test(arguments: [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'quoted", "''quoted"),
        ("-", "'-"),
        ("+", "'+"),
        ("-1e", "'-1e"),
        ("+1 ", "'+1 "),
        ("-.", "'-."),
    ])
    func neutralisesFormulas(input: String, expected: String) {
        #expect(CSVFormulaGuard.neutralise(input) == expected)
        #expect(CSVFormulaGuard.restore(CSVFormulaGuard.neutralise(input)) == input)
    }

    @Test(arguments: ["-5", "+1", "-0.25", "+.5", "-3.", "1e-3", "-1E+10", "ORD-1", "", "a=b", " =x", "100.00", "é"])
    func leavesNumbersAndOrdinaryTextAlone(input: String) {
        #expect(CSVFormulaGuard.neutralise(input) == input)
        #expect(CSVFormulaGuard.restore(input) == input || input.hasPrefix("'"))
    }

    @Test func restoreDropsExactlyOneApostrophe() {
        #expect(CSVFormulaGuard.restore("''x") == "'x")
        #expect(CSVFormulaGuard.restore("x'") == "x'")
    }
}
