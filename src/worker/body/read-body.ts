import { joinChunks } from "../../core/bytes";
import { ApiError } from "../api-error";
import { gunzipBounded, GunzipError } from "./gunzip";

export interface BodyLimits {
  maxBodyBytes: number;
  maxDecompressedBytes: number;
}

const tooLarge = (message: string) => new ApiError(413, "payload_too_large", message);

/**
 * Reads the request body, enforcing both size limits while the bytes arrive: the compressed
 * body is counted as it is read, and gzip is inflated slice by slice with its output counted and
 * abandoned at the limit, so a gzip bomb costs about `maxDecompressedBytes` of memory, never its
 * full size. A gzip body may hold several members (RFC 1952 §2.2); see `gunzip.ts`.
 */
export async function readBody(req: Request, limits: BodyLimits): Promise<Uint8Array> {
  const encoding = (req.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "") {
    throw new ApiError(
      415,
      "unsupported_encoding",
      `unsupported Content-Encoding '${encoding}' (supported: gzip, identity)`,
    );
  }
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > limits.maxBodyBytes) {
    throw tooLarge(`request body is ${declared} bytes; the limit is ${limits.maxBodyBytes}`);
  }
  if (!req.body) return new Uint8Array(0);
  // With a declared length (checked against the limit above) the runtime reads exactly that many
  // bytes, so the body is collected natively; a read loop in JavaScript over the stream's many
  // small chunks cost about 7 % of the ingest path's CPU. Without one (chunked transfer) the
  // bytes are counted as they arrive.
  const raw =
    declared !== null && /^\d+$/.test(declared)
      ? new Uint8Array(await req.arrayBuffer())
      : await collect(req.body, limits.maxBodyBytes, (n) =>
          tooLarge(`request body exceeds the limit of ${limits.maxBodyBytes} bytes (read ${n} so far)`),
        );
  if (encoding !== "gzip") return raw;
  if (raw.length === 0)
    throw new ApiError(400, "invalid_gzip", "Content-Encoding is gzip but the body is empty");
  try {
    return await gunzipBounded(raw, limits.maxDecompressedBytes);
  } catch (err) {
    if (err instanceof GunzipError) {
      throw err.kind === "too_large" ? tooLarge(err.message) : new ApiError(400, "invalid_gzip", err.message);
    }
    throw new ApiError(
      400,
      "invalid_gzip",
      `body is not valid gzip: ${(err as Error).message ?? String(err)}`,
    );
  }
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  overLimit: (readSoFar: number) => ApiError,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw overLimit(total);
    }
    chunks.push(value);
  }
  return joinChunks(chunks);
}
