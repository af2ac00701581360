// The polywire command-line tool: see tools/cli/main.cpp and `polywire --help`.
#include "tools/cli/common.hpp"

int main(int argc, char** argv) { return polywire::cli::main(argc, argv); }
