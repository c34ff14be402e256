import Foundation

/// Where refused rows are reported.
struct ErrorReport {
    private var handle: FileHandle

    init(path: String?) {
        if let path, FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        {
            self.handle = handle
        } else {
            self.handle = .standardError
        }
    }

    mutating func write(_ line: String) {
        handle.write(Data((line + "\n").utf8))
    }
}
