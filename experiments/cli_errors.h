// How both command-line programs (`naskit`, `naskit-torch`) report errors: caught once, printed as
// `naskit: error: <message>` on stderr; exit 2 for bad input or usage (ConfigError, DataError), 1
// for anything else (I/O faults and the unexpected).
#pragma once

#include <exception>
#include <iostream>

#include "core/errors.h"

namespace naskit {

template <class Body>
int RunReportingErrors(Body&& body) {
  try {
    return body();
  } catch (const ConfigError& e) {
    std::cerr << "naskit: error: " << e.what() << "\n";
    return 2;
  } catch (const DataError& e) {
    std::cerr << "naskit: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "naskit: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace naskit
