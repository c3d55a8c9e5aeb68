/** C2SP tlog-tiles: paths, tile layout, bundles, and a client computing roots and proofs from tiles. */
export * from "./errors";
export * from "./path";
export * from "./layout";
export * from "./bundle";
export * from "./tiled-tree";
export * from "./frontier";
