/**
 * The deployed entry point (package.json `main`): registers all three
 * functions; functions-framework serves the one named by FUNCTION_TARGET.
 * Registration is cheap, since each function creates its clients on first use.
 */
import './fanout/index.ts';
import './extract/index.ts';
import './compact/index.ts';
