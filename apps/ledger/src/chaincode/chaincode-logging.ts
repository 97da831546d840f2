// fabric-contract-api logs every decorator at info level while the chaincode classes load, in its
// own (non-JSON) format. Imported before the chaincode, this keeps only its warnings and errors
// unless CORE_CHAINCODE_LOGGING_LEVEL says otherwise.
process.env['CORE_CHAINCODE_LOGGING_LEVEL'] ??= 'WARNING';
