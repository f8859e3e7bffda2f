namespace ImpactMap.Core.Model;

/// <summary>Checks every rule of the model and reports each problem, not just the first.</summary>
public static class GraphValidator
{
    /// <summary>More problems than this are summarised, so a broken million-line import stays readable.</summary>
    public const int MaxProblems = 100;

    /// <summary>The longest name, attribute key or value.</summary>
    public const int MaxTextLength = 1000;

    /// <summary>The most attributes one node carries.</summary>
    public const int MaxAttributes = 500;

    /// <param name="written">Whether the graph is being written (all rules), not read back from a store (no write-only rules).</param>
    internal static (Dictionary<string, int> Index, List<GraphProblem> Problems, ResolvedEdges Edges) Validate(
        IReadOnlyList<Node> nodes, IReadOnlyList<Dependency> dependencies, bool written = true)
    {
        var edges = new ResolvedEdges(dependencies.Count);
        var problems = new ProblemList();
        var index = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            CheckNode(nodes[i], i, problems, written);
            if (nodes[i].Id is { } id && !index.TryAdd(id, i))
            {
                problems.Add($"nodes[{i}].id", $"duplicate node id '{id}'");
            }
        }

        var pairs = new HashSet<(int, int)>(dependencies.Count);
        var groupIds = new Dictionary<(int Node, string Group), int>();
        for (var i = 0; i < dependencies.Count; i++)
        {
            var d = dependencies[i];
            // Built only for a problem: a valid million-item graph should not pay for a path per item.
            string Path() => $"dependencies[{i}]";
            var from = CheckEnd(d.From, "from", i, index, problems);
            var to = CheckEnd(d.To, "to", i, index, problems);
            edges.From[i] = from;
            edges.To[i] = to;
            edges.Group[i] = -1;
            if (d.From is not null && d.From == d.To)
            {
                problems.Add(Path(), $"'{d.From}' cannot depend on itself");
            }

            if (from >= 0 && to >= 0 && !pairs.Add((from, to)))
            {
                problems.Add(Path(), $"duplicate dependency from '{d.From}' to '{d.To}'");
            }

            if (d.Effect is not (NodeState.Down or NodeState.Degraded or NodeState.AtRisk))
            {
                problems.Add($"{Path()}.effect", "effect must be down, degraded or at-risk");
            }

            if (d.Tolerance < TimeSpan.Zero)
            {
                problems.Add($"{Path()}.tolerance", "tolerance cannot be negative");
            }
            else if (d.Tolerance.Ticks % TimeSpan.TicksPerSecond != 0 || d.Tolerance > MaxTolerance)
            {
                problems.Add($"{Path()}.tolerance", "tolerance must be whole seconds, at most 50 years");
            }

            if (d.Group is not null)
            {
                if (!Identifier.IsValid(d.Group))
                {
                    problems.Add($"{Path()}.group", $"group name must be {Identifier.Rule}");
                }
                else if (from >= 0)
                {
                    if (!groupIds.TryGetValue((from, d.Group), out var group))
                    {
                        group = edges.GroupSize.Count;
                        groupIds.Add((from, d.Group), group);
                        edges.GroupSize.Add(0);
                        edges.GroupNeed.Add(nodes[from].NeedOf(d.Group));
                    }

                    if (++edges.GroupSize[group] == MaxGroupSize + 1)
                    {
                        problems.Add($"{Path()}.group", $"group '{d.Group}' of '{d.From}' has more than {MaxGroupSize:N0} dependencies");
                    }

                    edges.Group[i] = group;
                }
            }
        }

        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var (group, need) in nodes[i].Groups ?? Node.EmptyGroups)
            {
                var path = $"nodes[{i}].groups.{group}";
                if (!Identifier.IsValid(group))
                {
                    problems.Add(path, $"group name must be {Identifier.Rule}");
                    continue;
                }

                var size = groupIds.TryGetValue((i, group), out var id) ? edges.GroupSize[id] : 0;
                if (need < 1)
                {
                    problems.Add($"{path}.need", "need must be at least 1");
                }
                else if (need > size)
                {
                    problems.Add($"{path}.need",
                        $"'{nodes[i].Id}' needs {need} of group '{group}', which has {size} dependencies");
                }
            }
        }

        return (index, problems.ToList(), edges);
    }

    /// <summary>
    /// The problems of one node on its own: for a node without dependencies (a new one, or one whose group
    /// needs do not change) nothing else about the graph can be broken by it.
    /// </summary>
    internal static List<GraphProblem> ValidateAlone(Node node, bool hasDependencies)
    {
        var problems = new ProblemList();
        CheckNode(node, -1, problems);
        if (!hasDependencies)
        {
            foreach (var (group, need) in node.Groups ?? Node.EmptyGroups)
            {
                problems.Add($"node.groups.{group}.need", Identifier.IsValid(group)
                    ? $"'{node.Id}' needs {need} of group '{group}', which has 0 dependencies"
                    : $"group name must be {Identifier.Rule}");
            }
        }

        return problems.ToList();
    }

    /// <summary>The most alternatives one group may hold, so that the engine counts them in 16 bits.</summary>
    public const int MaxGroupSize = ushort.MaxValue;

    /// <summary>The longest tolerance, so that times stay far inside a 64-bit count of seconds.</summary>
    public static readonly TimeSpan MaxTolerance = TimeSpan.FromDays(365 * 50);

    /// <param name="place">The node's place in the graph, or -1 for a node on its own.</param>
    private static void CheckNode(Node node, int place, ProblemList problems, bool written = true)
    {
        string Path() => place < 0 ? "node" : $"nodes[{place}]";

        if (!Identifier.IsValid(node.Id))
        {
            problems.Add($"{Path()}.id", $"'{Shorten(node.Id)}' is not a valid id: {Identifier.Rule}");
        }

        if (string.IsNullOrWhiteSpace(node.Name) || node.Name.Length > MaxTextLength)
        {
            problems.Add($"{Path()}.name", $"name must be 1 to {MaxTextLength} characters");
        }
        else if (written && HasControl(node.Name, allowLineBreaks: false))
        {
            problems.Add($"{Path()}.name", "name cannot hold control characters (a NUL, an escape, a line break)");
        }

        if (!Identifier.IsValidKind(node.Kind))
        {
            problems.Add($"{Path()}.kind",
                $"'{Shorten(node.Kind)}' is not a valid kind: supplier, service, customer or another lowercase word");
        }

        if (node.Availability is { } availability && !(availability > 0 && availability <= 1))
        {
            problems.Add($"{Path()}.availability", $"availability must be a share of time above 0 and at most 1 (0.9995 for 99.95%), not {availability.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (node.Attributes?.Count > MaxAttributes)
        {
            problems.Add($"{Path()}.attributes", $"a node carries at most {MaxAttributes} attributes, not {node.Attributes.Count:N0}");
        }

        foreach (var (key, value) in node.Attributes ?? Node.EmptyAttributes)
        {
            if (string.IsNullOrEmpty(key) || key.Length > 100 || value is null || value.Length > MaxTextLength)
            {
                problems.Add($"{Path()}.attributes", $"attribute keys must be 1 to 100 characters and values at most {MaxTextLength}");
                break;
            }

            if (written && (HasControl(key, allowLineBreaks: false) || HasControl(value, allowLineBreaks: true)))
            {
                problems.Add($"{Path()}.attributes.{Shorten(key)}", "attributes cannot hold control characters (a NUL, an escape; values may hold tabs and line breaks)");
                break;
            }
        }
    }

    private static int CheckEnd(string? id, string end, int dependency, Dictionary<string, int> index, ProblemList problems)
    {
        if (id is null)
        {
            problems.Add($"dependencies[{dependency}].{end}", $"{end} is required");
            return -1;
        }

        if (!index.TryGetValue(id, out var position))
        {
            problems.Add($"dependencies[{dependency}].{end}", $"unknown node '{Shorten(id)}'");
            return -1;
        }

        return position;
    }

    /// <summary>
    /// C0 controls and DEL, which no export format carries faithfully (XML refuses a NUL) and which a terminal or a
    /// spreadsheet may act on.
    /// </summary>
    private static bool HasControl(string text, bool allowLineBreaks)
    {
        foreach (var c in text)
        {
            if ((c < ' ' || c == '\u007f') && !(allowLineBreaks && c is '\t' or '\n' or '\r'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Text cut to 60 characters for quoting in messages, so hostile input cannot flood them.</summary>
    public static string Shorten(string? text) =>
        text is null ? "" : text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");

    /// <summary>What validation learns anyway, kept so that compiling the engine needs no lookups by id.</summary>
    internal sealed class ResolvedEdges(int count)
    {
        public readonly int[] From = new int[count];
        public readonly int[] To = new int[count];
        public readonly int[] Group = new int[count];
        public readonly List<int> GroupSize = [];
        public readonly List<int> GroupNeed = [];
    }

    private sealed class ProblemList
    {
        private readonly List<GraphProblem> _problems = [];
        private int _dropped;

        public void Add(string path, string message)
        {
            if (_problems.Count < MaxProblems)
            {
                _problems.Add(new GraphProblem(path, message));
            }
            else
            {
                _dropped++;
            }
        }

        public List<GraphProblem> ToList()
        {
            if (_dropped > 0)
            {
                _problems.Add(new GraphProblem("", $"and {_dropped} more problems"));
            }

            return _problems;
        }
    }
}
