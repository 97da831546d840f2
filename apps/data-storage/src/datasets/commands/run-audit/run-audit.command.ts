/** Re-hashes every stored file and records any mismatch of a released version on-chain. */
export class RunAuditCommand {
  constructor(readonly trigger: 'schedule' | 'local-api' | 'nats') {}
}
