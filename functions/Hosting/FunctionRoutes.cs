using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace HsmVault.Hosting;

/// <summary>An HTTP-triggered function as its attributes declare it.</summary>
public sealed record FunctionRoute(string Name, string Template, IReadOnlyList<string> Methods, Type Type, MethodInfo Method);

/// <summary>
/// Serves the Function App's HTTP functions from the standalone host. Routes and methods come only from the
/// <c>[Function]</c>/<c>[HttpTrigger]</c> attributes, so no route is written twice.
/// </summary>
public static class FunctionRoutes
{
    public static IReadOnlyList<FunctionRoute> Discover(Assembly assembly) =>
        (from type in assembly.GetExportedTypes()
         from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
         let function = method.GetCustomAttribute<FunctionAttribute>()
         let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)
         where function is not null && trigger is not null
         select new FunctionRoute(function.Name, trigger.Route ?? function.Name,
             (trigger.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToList(), type, method)).ToList();

    public static void MapFunctions(this IEndpointRouteBuilder app, IEnumerable<FunctionRoute> routes)
    {
        foreach (var route in routes)
            app.MapMethods("/" + route.Template, route.Methods, context => InvokeAsync(route, context)).WithName(route.Name);
    }

    private static async Task InvokeAsync(FunctionRoute route, HttpContext context)
    {
        var instance = ActivatorUtilities.GetServiceOrCreateInstance(context.RequestServices, route.Type);
        var args = route.Method.GetParameters().Select(p => Bind(p, context)).ToArray();
        var result = await (Task<IActionResult>)route.Method.Invoke(instance, args)!;
        await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }

    private static object? Bind(ParameterInfo parameter, HttpContext context) =>
        parameter.ParameterType == typeof(HttpRequest) ? context.Request
        : parameter.ParameterType == typeof(CancellationToken) ? context.RequestAborted
        : parameter.ParameterType == typeof(string) ? context.GetRouteValue(parameter.Name!) as string
        : throw new InvalidOperationException($"The standalone host cannot bind parameter '{parameter.Name}' of {parameter.Member.Name}.");
}
