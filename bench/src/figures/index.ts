/** The figures of RESULTS.md, in order (bench/run.mjs says which run by default), each with its full and quick settings. */
import type { FigureResult } from "../report";
import { auditFigure, AUDIT_FULL, AUDIT_QUICK } from "./audit";
import { costFigure, COST_FULL, COST_QUICK } from "./cost";
import { ingestFigure, INGEST_FULL, INGEST_QUICK } from "./ingest";
import { ijsonFigure, IJSON_FULL, IJSON_QUICK } from "./ijson";
import { merkleFigure, MERKLE_FULL, MERKLE_QUICK } from "./merkle";
import { proofsFigure, PROOFS_FULL, PROOFS_QUICK } from "./proofs";
import { sequencerFigure, SEQUENCER_FULL, SEQUENCER_QUICK } from "./sequencer";
import { shardsFigure, SHARDS_FULL, SHARDS_QUICK } from "./shards";
import { steadyFigure, STEADY_FULL, STEADY_QUICK } from "./steady";
import { storageFigure, STORAGE_FULL, STORAGE_QUICK } from "./storage";
import { validationFigure, VALIDATION_FULL, VALIDATION_QUICK } from "./validation";

export interface Figure {
  id: string;
  run: (quick: boolean) => Promise<FigureResult>;
}

export const FIGURES: readonly Figure[] = [
  { id: "ingest", run: (quick) => ingestFigure(quick ? INGEST_QUICK : INGEST_FULL) },
  { id: "validation", run: (quick) => validationFigure(quick ? VALIDATION_QUICK : VALIDATION_FULL) },
  { id: "merkle", run: async (quick) => merkleFigure(quick ? MERKLE_QUICK : MERKLE_FULL) },
  { id: "proofs", run: (quick) => proofsFigure(quick ? PROOFS_QUICK : PROOFS_FULL) },
  { id: "storage", run: (quick) => storageFigure(quick ? STORAGE_QUICK : STORAGE_FULL) },
  { id: "audit", run: (quick) => auditFigure(quick ? AUDIT_QUICK : AUDIT_FULL) },
  { id: "shards", run: (quick) => shardsFigure(quick ? SHARDS_QUICK : SHARDS_FULL) },
  { id: "ijson", run: async (quick) => ijsonFigure(quick ? IJSON_QUICK : IJSON_FULL) },
  { id: "sequencer", run: (quick) => sequencerFigure(quick ? SEQUENCER_QUICK : SEQUENCER_FULL) },
  { id: "cost", run: (quick) => costFigure(quick ? COST_QUICK : COST_FULL) },
  // Opt-in (bench/run.mjs runs it only when named): ten minutes of load.
  { id: "steady", run: (quick) => steadyFigure(quick ? STEADY_QUICK : STEADY_FULL) },
];
