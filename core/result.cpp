#include "core/result.h"

namespace kinema {

std::string_view to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::BadModelFile:
            return "BadModelFile";
        case ErrorKind::ShapeMismatch:
            return "ShapeMismatch";
        case ErrorKind::OutOfMemory:
            return "OutOfMemory";
        case ErrorKind::Cancelled:
            return "Cancelled";
        case ErrorKind::Cuda:
            return "Cuda";
        case ErrorKind::Io:
            return "Io";
        case ErrorKind::InvalidRequest:
            return "InvalidRequest";
        case ErrorKind::Unsupported:
            return "Unsupported";
        case ErrorKind::Internal:
            return "Internal";
    }
    return "Unknown";
}

std::string Error::describe() const {
    return std::string(to_string(kind)) + ": " + message;
}

}  // namespace kinema
