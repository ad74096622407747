// orderstream: the single binary. Wiring only; the commands live in src/cli/.
#include "cli/commands.h"

int main(int argc, char** argv) { return orderstream::cli::run(argc, argv); }
