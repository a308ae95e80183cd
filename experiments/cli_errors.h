// How both command-line programs (`naskit`, `naskit-torch`) report errors: caught once, printed as
// `naskit: error: <message>` on stderr; exit 2 for bad input or usage (ConfigError, DataError), 1
// for anything else (I/O faults and the unexpected).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "core/errors.h"

namespace naskit {

// After an error the process ends at once with `_Exit`: libhdf5's C++ layer closes what is still
// open when the program's statics are destroyed, and a file whose close failed (a full disk)
// crashes it there (SIGSEGV after the message). Everything naskit writes is closed (and renamed)
// before it reports success, so nothing is lost by skipping the destructors.
template <class Body>
int RunReportingErrors(Body&& body) {
  int code = 0;
  try {
    return body();
  } catch (const ConfigError& e) {
    std::cerr << "naskit: error: " << e.what() << "\n";
    code = 2;
  } catch (const DataError& e) {
    std::cerr << "naskit: error: " << e.what() << "\n";
    code = 2;
  } catch (const std::exception& e) {
    std::cerr << "naskit: error: " << e.what() << "\n";
    code = 1;
  }
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}

}  // namespace naskit
