// Message helpers for the error grammar of core/errors.h.
#include "core/errors.h"

#include <algorithm>
#include <numeric>

namespace naskit {

void RethrowWithContext(const std::string& context) {
  try {
    throw;
  } catch (const ConfigError& e) {
    throw ConfigError(context + ": " + e.what());
  } catch (const DataError& e) {
    throw DataError(context + ": " + e.what());
  } catch (const IoError& e) {
    throw IoError(context + ": " + e.what());
  } catch (const std::exception& e) {
    throw std::runtime_error(context + ": " + e.what());
  }
}

std::string Quote(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted += '"';
  quoted += text;
  quoted += '"';
  return quoted;
}

namespace {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

}  // namespace

std::string DidYouMean(std::string_view got, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = std::string::npos;
  for (const auto& candidate : known) {
    const std::size_t d = EditDistance(got, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  // A typo changes a few characters; more than a third of the word is another word.
  const std::size_t tolerance = std::max<std::size_t>(2, got.size() / 3);
  return best_distance <= tolerance ? best : std::string();
}

std::string UnknownNameMessage(std::string_view kind, std::string_view got,
                               const std::vector<std::string>& known) {
  std::string message = "unknown " + std::string(kind) + " " + Quote(got) + "; known: ";
  for (std::size_t i = 0; i < known.size(); ++i) message += (i ? ", " : "") + known[i];
  if (known.empty()) message += "(none)";
  if (auto guess = DidYouMean(got, known); !guess.empty()) {
    message += " (did you mean " + Quote(guess) + "?)";
  }
  return message;
}

}  // namespace naskit
