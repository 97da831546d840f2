// fabric-contract-api logs every decorator at INFO when it loads; the peer normally sets this level.
// Imported first by every spec, before anything loads fabric-contract-api.
process.env['CORE_CHAINCODE_LOGGING_LEVEL'] ??= 'ERROR';
