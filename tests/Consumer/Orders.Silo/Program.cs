using Microsoft.Extensions.Hosting;
using Orders;

// The silo: Orleans and OrleansRecovery configured from appsettings.json (Orleans' own keys and the OrleansRecovery section),
// the environment (e.g. ConnectionStrings__storage) and the command line (e.g. --Orleans:Endpoints:GatewayPort=30001).
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo.AddTransactionRecovery<OrderLogic>());
await builder.Build().RunAsync();
