using OrleansRecovery.Cli;

// recoveryctl: the operator CLI. Exit codes: 0 done, 1 the operation failed or was refused, 2 usage or configuration error,
// 3 the cluster could not be reached (or was lost). See `recoveryctl --help` and README.md beside this file.
return await RecoveryCtl.RunAsync(args);
