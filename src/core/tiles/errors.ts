/** Errors of the tlog-tiles layer; each names what was expected and what was found. */
import { VerificationError } from "../errors";

/** A tile or entry-bundle path that is not in the C2SP tlog-tiles form. */
export class TilePathError extends VerificationError {}

/** A tile or bundle whose bytes do not have the shape the spec requires. */
export class TileFormatError extends VerificationError {}

/** A request for a tile or node that the tree of the given size does not have (yet). */
export class TileRangeError extends VerificationError {}
