using System.Reflection;
using HsmVault.Http;
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
            app.MapMethods("/" + route.Template, route.Methods, Invoker(route)).WithName(route.Name);
    }

    /// <summary>
    /// The request delegate of one function. What reflection finds (how to create the class, how to bind each parameter) is
    /// worked out once per route, not per request; the class factory on the route's first request, to keep start-up short.
    /// </summary>
    private static RequestDelegate Invoker(FunctionRoute route)
    {
        var create = new Lazy<ObjectFactory>(() => ActivatorUtilities.CreateFactory(route.Type, Type.EmptyTypes));
        var binders = route.Method.GetParameters().Select(Binder).ToArray();
        return async context =>
        {
            var instance = context.RequestServices.GetService(route.Type) ?? create.Value(context.RequestServices, null);
            var args = new object?[binders.Length];
            for (var i = 0; i < binders.Length; i++) args[i] = binders[i](context);
            var result = await (Task<IActionResult>)route.Method.Invoke(instance, args)!;
            if (result is VaultResult vaultResult) await vaultResult.WriteAsync(context.Response);
            else await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
        };
    }

    private static Func<HttpContext, object?> Binder(ParameterInfo parameter)
    {
        if (parameter.ParameterType == typeof(HttpRequest)) return context => context.Request;
        if (parameter.ParameterType == typeof(CancellationToken)) return context => context.RequestAborted;
        var name = parameter.Name!;
        if (parameter.ParameterType == typeof(string)) return context => context.GetRouteValue(name) as string;
        return _ => throw new InvalidOperationException($"The standalone host cannot bind parameter '{name}' of {parameter.Member.Name}.");
    }
}
