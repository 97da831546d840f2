import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import type { MsgHdrs } from 'nats';

/** W3C trace context (`traceparent`, `tracestate`) written into NATS headers, as HTTP carries it. */
export const natsHeaderSetter: TextMapSetter<MsgHdrs> = {
  set: (h, key, value) => {
    h.set(key, value);
  },
};

/** Reads W3C trace context from a message's NATS headers (absent headers name no parent). */
export const natsHeaderGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (h) => h?.keys() ?? [],
  get: (h, key) => h?.get(key) || undefined,
};
