/// Told of a load's progress, row by row; the command line decides how to show it.
public protocol LoadProgress {
    /// Called once per row read.
    func update(input: String, rows: Int, bytes: Int, totalBytes: Int)
    /// Called once an input is read to its end.
    func finish(input: String, rows: Int, bytes: Int, totalBytes: Int)
}
