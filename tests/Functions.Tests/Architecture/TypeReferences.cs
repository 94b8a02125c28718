using Mono.Cecil;
using Mono.Cecil.Cil;

namespace HsmVault.Tests.Architecture;

/// <summary>
/// Which namespaces each namespace of an assembly uses, read from its IL (signatures, attributes and method bodies), so
/// a reference written as a relative name (<c>Storage.X</c> inside <c>HsmVault.Keys</c>) or a lambda counts too.
/// </summary>
public static class TypeReferences
{
    /// <summary>(from namespace, to namespace) → one example "Type → Type" that makes the edge.</summary>
    public static Dictionary<(string From, string To), string> Edges(string assemblyPath)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var edges = new Dictionary<(string, string), string>();
        foreach (var type in module.Types)
        {
            var from = type.Namespace;
            var seen = new HashSet<TypeReference>();
            foreach (var used in Uses(type)) Collect(used, seen);
            foreach (var used in seen)
            {
                var to = NamespaceOf(used);
                if (to != from) edges.TryAdd((from, to), $"{type.FullName} → {used.FullName}");
            }
        }
        return edges;
    }

    private static string NamespaceOf(TypeReference t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;
        return t.Namespace;
    }

    private static void Collect(TypeReference? t, HashSet<TypeReference> into)
    {
        switch (t)
        {
            case null or GenericParameter: return;
            case GenericInstanceType g:
                Collect(g.ElementType, into);
                foreach (var a in g.GenericArguments) Collect(a, into);
                return;
            case TypeSpecification s:
                Collect(s.ElementType, into);
                return;
            default:
                into.Add(t);
                return;
        }
    }

    /// <summary>Every type reference a type and its nested types (lambdas, async state machines) make.</summary>
    private static IEnumerable<TypeReference?> Uses(TypeDefinition type)
    {
        yield return type.BaseType;
        foreach (var i in type.Interfaces) yield return i.InterfaceType;
        foreach (var a in Attributes(type)) yield return a;
        foreach (var f in type.Fields)
        {
            yield return f.FieldType;
            foreach (var a in Attributes(f)) yield return a;
        }
        foreach (var p in type.Properties)
        {
            yield return p.PropertyType;
            foreach (var a in Attributes(p)) yield return a;
        }
        foreach (var m in type.Methods)
            foreach (var t in Uses(m))
                yield return t;
        foreach (var nested in type.NestedTypes)
            foreach (var t in Uses(nested))
                yield return t;
    }

    private static IEnumerable<TypeReference?> Uses(MethodDefinition m)
    {
        yield return m.ReturnType;
        foreach (var a in Attributes(m)) yield return a;
        foreach (var p in m.Parameters)
        {
            yield return p.ParameterType;
            foreach (var a in Attributes(p)) yield return a;
        }
        if (!m.HasBody) yield break;
        foreach (var v in m.Body.Variables) yield return v.VariableType;
        foreach (var h in m.Body.ExceptionHandlers) yield return h.CatchType;
        foreach (var instruction in m.Body.Instructions)
        {
            switch (instruction.Operand)
            {
                case TypeReference t:
                    yield return t;
                    break;
                case MethodReference r:
                    yield return r.DeclaringType;
                    yield return r.ReturnType;
                    foreach (var p in r.Parameters) yield return p.ParameterType;
                    if (r is GenericInstanceMethod g)
                        foreach (var a in g.GenericArguments) yield return a;
                    break;
                case FieldReference f:
                    yield return f.DeclaringType;
                    yield return f.FieldType;
                    break;
            }
        }
    }

    private static IEnumerable<TypeReference?> Attributes(ICustomAttributeProvider provider)
    {
        foreach (var a in provider.CustomAttributes)
        {
            yield return a.AttributeType;
            foreach (var arg in a.ConstructorArguments)
                if (arg.Value is TypeReference t) yield return t;
        }
    }
}
