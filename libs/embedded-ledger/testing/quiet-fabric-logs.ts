// fabric-contract-api logs every decorator at info level while classes load; tests do not need
// that. Imported before fabric-contract-api so the level is set when its loggers are created.
process.env['CORE_CHAINCODE_LOGGING_LEVEL'] ??= 'WARNING';
