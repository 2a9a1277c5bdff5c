// The largest job payload accepted, checked per job so a batch names each offender.
import { PayloadTooLargeError } from '../jobs/job-errors.js';

export function assertPayloadsFit(payloads: readonly unknown[], maxBytes: number, pathOf: (index: number) => string): void {
  const oversized = payloads.flatMap((payload, index) =>
    Buffer.byteLength(JSON.stringify(payload)) > maxBytes ? [{ path: pathOf(index), message: `is larger than ${maxBytes} bytes as JSON` }] : [],
  );
  if (oversized.length) throw new PayloadTooLargeError(oversized);
}
