import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import type { MsgHdrs } from 'nats';
import type { HeaderValues } from './headers';

/** W3C trace context (`traceparent`, `tracestate`) written into NATS headers, as HTTP carries it. */
export const natsHeaderSetter: TextMapSetter<MsgHdrs> = {
  set: (h, key, value) => {
    h.set(key, value);
  },
};

/** Reads W3C trace context from headers already read (readHeaders). */
export const headerValuesGetter: TextMapGetter<HeaderValues> = {
  keys: (h) => [...h.keys()],
  get: (h, key) => h.get(key),
};
