using System.Text.RegularExpressions;
using HsmVault.Hosting;

namespace HsmVault.Tests.Architecture;

/// <summary>The floors of functions/ point one way (see <see cref="Floors"/>), with no loops, and folders name their namespaces.</summary>
public sealed partial class FloorTests
{
    private static readonly Dictionary<(string From, string To), string> Edges =
        TypeReferences.Edges(typeof(StandaloneHost).Assembly.Location);

    [Fact]
    public void No_floor_uses_a_higher_one_and_nothing_below_Http_uses_ASP_NET_Core()
    {
        var violations = Edges
            .Select(e => (Edge: e, Why: Floors.Violation(e.Key.From, e.Key.To)))
            .Where(v => v.Why is not null)
            .Select(v => $"{v.Edge.Key.From} → {v.Edge.Key.To}: {v.Why} (e.g. {v.Edge.Value})")
            .Order().ToList();
        Assert.True(violations.Count == 0, "Floor violations:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void No_two_namespaces_use_each_other_even_through_others()
    {
        var graph = Edges.Keys
            .Where(e => Floors.Of(e.From) is not null && Floors.Of(e.To) is not null && e.From != "")
            .GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToHashSet());
        var loops = graph.Keys.Select(start => LoopThrough(start, graph)).Where(l => l is not null).Select(l => string.Join(" → ", l!))
            .Distinct().Order().ToList();
        Assert.True(loops.Count == 0, "Namespace loops:\n" + string.Join("\n", loops));
    }

    [Theory]
    [InlineData("HsmVault.Storage", "HsmVault.Http")]
    [InlineData("HsmVault.Storage", "HsmVault.Objects")]
    [InlineData("HsmVault.Storage", "HsmVault.Keys")]
    [InlineData("HsmVault.Objects", "HsmVault.Vaults")]
    [InlineData("HsmVault.Secrets", "HsmVault.Keys")]
    [InlineData("HsmVault.Keys", "HsmVault.Secrets")]
    [InlineData("HsmVault.Keys", "HsmVault.Http")]
    [InlineData("HsmVault.Keys", "HsmVault.Keys.Endpoints")]
    [InlineData("HsmVault.Http", "HsmVault.Keys.Endpoints")]
    [InlineData("HsmVault.Http", "HsmVault.Hosting")]
    [InlineData("HsmVault.Resilience", "HsmVault.Objects")]
    [InlineData("HsmVault.Hsm", "HsmVault.Storage")]
    [InlineData("HsmVault.Objects", "Microsoft.AspNetCore.Http")]
    [InlineData("HsmVault.Identity", "Microsoft.AspNetCore.Routing")]
    public void The_rules_refuse(string from, string to) => Assert.NotNull(Floors.Violation(from, to));

    [Theory]
    [InlineData("HsmVault.Hosting", "HsmVault.Keys.Endpoints")]
    [InlineData("HsmVault.Keys.Endpoints", "HsmVault.Http")]
    [InlineData("HsmVault.Keys.Endpoints", "HsmVault.Keys")]
    [InlineData("HsmVault.Keys.Endpoints", "Microsoft.AspNetCore.Http")]
    [InlineData("HsmVault.Http", "HsmVault.Access")]
    [InlineData("HsmVault.Keys", "HsmVault.Access")]
    [InlineData("HsmVault.Secrets", "HsmVault.Objects")]
    [InlineData("HsmVault.Objects", "HsmVault.Storage")]
    [InlineData("HsmVault.Storage", "HsmVault.Resilience")]
    [InlineData("HsmVault.Resilience", "HsmVault.Hsm")]
    public void The_rules_allow(string from, string to) => Assert.Null(Floors.Violation(from, to));

    [Fact]
    public void The_scan_sees_references_in_signatures_bodies_and_lambdas()
    {
        // Signatures: the pipeline's RunAsync takes Http's RequestContext and returns ASP.NET Core's IActionResult.
        Assert.Contains(("HsmVault.Keys.Endpoints", "HsmVault.Http"), Edges.Keys);
        Assert.Contains(("HsmVault.Keys.Endpoints", "Microsoft.AspNetCore.Mvc"), Edges.Keys);
        // Method bodies: the keys store is built on Storage's versioned store; Http maps HSM errors.
        Assert.Contains(("HsmVault.Keys", "HsmVault.Storage"), Edges.Keys);
        Assert.Contains(("HsmVault.Http", "HsmVault.Hsm"), Edges.Keys);
    }

    [Fact]
    public void Every_source_file_declares_the_namespace_its_folder_names()
    {
        var root = Path.Combine(RepoRoot(), "functions");
        var wrong = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            if (relative.StartsWith("obj" + Path.DirectorySeparatorChar) || relative.StartsWith("bin" + Path.DirectorySeparatorChar)) continue;
            var folder = Path.GetDirectoryName(relative)!;
            var expected = folder.Length == 0 ? null : "HsmVault." + folder.Replace(Path.DirectorySeparatorChar, '.');
            var declared = NamespaceDeclaration().Match(File.ReadAllText(file)) is { Success: true } m ? m.Groups[1].Value : null;
            if (declared != expected) wrong.Add($"{relative}: namespace {declared ?? "(none)"}, expected {expected ?? "(none)"}");
        }
        Assert.True(wrong.Count == 0, "Folders and namespaces differ:\n" + string.Join("\n", wrong));
    }

    /// <summary>A path of edges from <paramref name="start"/> back to itself, or null.</summary>
    private static List<string>? LoopThrough(string start, Dictionary<string, HashSet<string>> graph)
    {
        var parent = new Dictionary<string, string> { [start] = start };
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var node))
        {
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (next == start)
                {
                    var path = new List<string> { start };
                    for (var n = node; n != start; n = parent[n]) path.Insert(1, n);
                    path.Add(start);
                    return path;
                }
                if (parent.TryAdd(next, node)) queue.Enqueue(next);
            }
        }
        return null;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HsmVault.sln"))) return dir.FullName;
        throw new InvalidOperationException("HsmVault.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();
}
