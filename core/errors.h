// Error types shared by all of naskit, and the message grammar they carry.
//
// Messages follow `<where>: <what is wrong> (got <value>; expected <constraint>)`, start in lower
// case and have no trailing period. The CLI maps ConfigError and DataError to exit status 2 (bad
// input) and everything else, IoError included, to exit status 1.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace naskit {

// Bad option value, unknown key or plugin name, malformed architecture string, bad CLI usage.
class ConfigError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Input data that is malformed or inconsistent: a corrupt benchmark file, a bad CSV cell.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The system failed us: unreadable or unwritable path, full disk.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Called in a catch block: rethrows the exception being handled with `context: ` before its
// message, keeping naskit's error types (ConfigError, DataError, IoError; other exceptions become
// std::runtime_error), so that an error from deep inside names where it happened ("run …: …").
[[noreturn]] void RethrowWithContext(const std::string& context);

// Quotes a user-supplied value for a message: "value".
std::string Quote(std::string_view text);

// `unknown <kind> "<got>"; known: a, b, c (did you mean "b"?)`. The suggestion is given only when a
// candidate is close enough in edit distance to be a plausible typo.
std::string UnknownNameMessage(std::string_view kind, std::string_view got,
                               const std::vector<std::string>& known);

// The closest candidate to `got` by Levenshtein distance, or "" if none is plausibly a typo.
std::string DidYouMean(std::string_view got, const std::vector<std::string>& known);

}  // namespace naskit
