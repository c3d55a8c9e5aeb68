import type { Config } from "./config";
import type { Principal } from "./middleware/auth";

/** Hono environment shared by every route: bindings, the parsed config and the caller. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    principal: Principal;
  };
}
