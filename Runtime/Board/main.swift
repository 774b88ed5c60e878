#if canImport(Glibc)
import Glibc
#endif

// The desktop build's entry point (the Embedded board build exports boardMain as C's main).
exit(boardMain(CommandLine.argc, CommandLine.unsafeArgv))
