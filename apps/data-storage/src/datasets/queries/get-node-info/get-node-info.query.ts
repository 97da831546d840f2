/** What this node reports about itself to whoever addresses it (the registry's connection test). */
export class GetNodeInfoQuery {}
