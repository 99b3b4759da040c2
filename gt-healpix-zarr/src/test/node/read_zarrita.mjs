// Zarr v3 oracle: reads a whole array with zarrita (npm) from a file-system store.
// Usage (after `npm ci` in this directory): node read_zarrita.mjs STORE_ROOT ARRAY_PATH
// Prints "<data_type> <shape>" then the raw bits of each element (C order) as an unsigned
// integer, one per line, so that NaN and -0.0 compare exactly.
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";

const [root, arrayPath] = process.argv.slice(2);
const store = new FileSystemStore(root);
const arr = await zarr.open.v3(zarr.root(store).resolve(arrayPath), { kind: "array" });
const chunk = await zarr.get(arr);
const d = chunk.data;
const n = d.BYTES_PER_ELEMENT;
const view = n === 8 ? new BigUint64Array(d.buffer, d.byteOffset, d.length)
    : n === 4 ? new Uint32Array(d.buffer, d.byteOffset, d.length)
    : n === 2 ? new Uint16Array(d.buffer, d.byteOffset, d.length)
    : new Uint8Array(d.buffer, d.byteOffset, d.length);
const lines = [arr.dtype + " " + chunk.shape.join(",")];
for (let i = 0; i < view.length; i++) lines.push(String(view[i]));
process.stdout.write(lines.join("\n") + "\n");
