// One function per `naskit` subcommand; each parses its own arguments and calls the library.
#pragma once

#include <string>
#include <vector>

namespace naskit::cli {

using Args = std::vector<std::string>;

int ListCommand(const Args& args);
int DescribeCommand(const Args& args);
int InfoCommand(const Args& args);
int QueryCommand(const Args& args);
int ImportCommand(const Args& args);
int DatasetCommand(const Args& args);
int RunCommand(const Args& args);
int EvalPredictorsCommand(const Args& args);
int ReportCommand(const Args& args);
int TrainCommand(const Args& args);  // runs naskit-torch
int BenchCommand(const Args& args);
int BenchSealCommand(const Args& args);  // runs naskit-torch
int SurrogateCommand(const Args& args);
int ParetoCommand(const Args& args);
int DevicesCommand(const Args& args);
int VerifyCommand(const Args& args);    // runs naskit-torch
int ZeroCostCommand(const Args& args);  // runs naskit-torch
int LatencyCommand(const Args& args);   // runs naskit-torch
int SlurmCommand(const Args& args);

}  // namespace naskit::cli
