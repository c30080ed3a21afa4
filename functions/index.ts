/**
 * The deployed entry point (package.json `main`). Cloud Run starts
 * functions-framework with FUNCTION_TARGET set to one function; only that
 * function's module, and so only its clients, is loaded. Without a target
 * (a local server, a syntax check) all three are registered.
 */
const FUNCTIONS: Record<string, () => Promise<unknown>> = {
  fanout: () => import('./fanout/index.ts'),
  extract: () => import('./extract/index.ts'),
  compact: () => import('./compact/index.ts'),
};

const target = process.env.FUNCTION_TARGET;
const load = target ? FUNCTIONS[target] : undefined;
if (load) await load();
else await Promise.all(Object.values(FUNCTIONS).map((open) => open()));
