import Foundation

/// Foundation's file errors as a person reads them ("Permission denied", "No such file or
/// directory"), never the raw `Error Domain=NSCocoaErrorDomain Code=513 ...` text.
public enum SystemErrorText {
    public static func describe(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "No such file or directory"
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "Permission denied"
            case NSFileWriteOutOfSpaceError: return "No space left on device"
            case NSFileWriteVolumeReadOnlyError: return "Read-only file system"
            case NSFileReadInapplicableStringEncodingError: return "not UTF-8 text"
            case NSFileReadCorruptFileError: return "the file could not be read (corrupt or not text)"
            default: return "file error \(ns.code)"
            }
        }
        return ns.localizedDescription
    }
}
