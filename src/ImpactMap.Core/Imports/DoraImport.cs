using System.Text.RegularExpressions;
using ImpactMap.Core.Model;

namespace ImpactMap.Core.Imports;

/// <summary>
/// The EU DORA register of information as the EBA's xBRL-CSV report package writes it (one CSV per template,
/// <c>b_01.02.csv</c> and so on, columns by their codes <c>c0010</c>...): financial entities (B_01.02) as customer
/// nodes <c>entity:&lt;LEI&gt;</c>, ICT third-party providers (B_05.01) as supplier nodes by their code, each ICT
/// service of an arrangement (B_02.02) as a node <c>ict:&lt;arrangement&gt;:&lt;service type&gt;</c> that its entity
/// and function need (with the effect the level of reliance gives) and that needs its rank-1 provider, the
/// supply chain (B_05.02) as recipient needing subcontractor, functions (B_06.01) with their criticality and RTO,
/// and the assessment of each service (B_07.01) as its attributes. Closed-list codes are read as the EBA defines them.
/// </summary>
public static partial class DoraImport
{
    // The templates read; every other one of the report (B_01.01, B_02.01, B_03, B_04, B_99...) is counted.
    private static readonly HashSet<string> ReadTemplates = ["b_01.02", "b_02.02", "b_05.01", "b_05.02", "b_06.01", "b_07.01"];

    // B_02.02 c0180, the level of reliance on the ICT service.
    private static readonly Dictionary<string, NodeState> Reliance = new(StringComparer.OrdinalIgnoreCase)
    {
        ["eba_ZZ:x797"] = NodeState.Down, ["eba_ZZ:x796"] = NodeState.Degraded, ["eba_ZZ:x795"] = NodeState.AtRisk, ["eba_ZZ:x794"] = NodeState.AtRisk,
    };

    // Closed lists kept as attributes, in the EBA's words.
    private static readonly Dictionary<string, string> Labels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["eba_BT:x28"] = "yes", ["eba_BT:x29"] = "no", ["eba_BT:x21"] = "not assessed",
        ["eba_ZZ:x959"] = "not substitutable", ["eba_ZZ:x960"] = "highly complex", ["eba_ZZ:x961"] = "medium complexity", ["eba_ZZ:x962"] = "easily substitutable",
        ["eba_ZZ:x963"] = "lack of real alternatives", ["eba_ZZ:x964"] = "difficulties in migrating or reintegrating",
        ["eba_ZZ:x965"] = "lack of real alternatives and difficulties in migrating or reintegrating",
        ["eba_ZZ:x791"] = "low", ["eba_ZZ:x792"] = "medium", ["eba_ZZ:x793"] = "high", ["eba_ZZ:x799"] = "not assessed",
        ["eba_TA:S01"] = "ICT project management", ["eba_TA:S02"] = "ICT development", ["eba_TA:S03"] = "ICT help desk and first level support",
        ["eba_TA:S04"] = "ICT security management services", ["eba_TA:S05"] = "Provision of data", ["eba_TA:S06"] = "Data analysis",
        ["eba_TA:S07"] = "ICT, facilities and hosting services (excluding cloud services)", ["eba_TA:S08"] = "Computation", ["eba_TA:S09"] = "Non-cloud data storage",
        ["eba_TA:S10"] = "Telecom carrier", ["eba_TA:S11"] = "Network infrastructure", ["eba_TA:S12"] = "Hardware and physical devices",
        ["eba_TA:S13"] = "Software licencing (excluding SaaS)", ["eba_TA:S14"] = "ICT operation management (including maintenance)", ["eba_TA:S15"] = "ICT consulting",
        ["eba_TA:S16"] = "ICT risk management", ["eba_TA:S17"] = "Cloud services: IaaS", ["eba_TA:S18"] = "Cloud services: PaaS", ["eba_TA:S19"] = "Cloud services: SaaS",
        ["eba_ZZ:x794"] = "not significant", ["eba_ZZ:x795"] = "low reliance", ["eba_ZZ:x796"] = "material reliance", ["eba_ZZ:x797"] = "full reliance",
    };

    /// <summary>Reads the report's CSV files (the other files of a report package are counted, not read).</summary>
    public static ImportedGraph Read(IReadOnlyList<(string Name, string Text)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var log = new ImportLog();
        var tables = new Dictionary<string, List<CsvRow>>(StringComparer.Ordinal);
        foreach (var (name, text) in files)
        {
            var template = Template().Match(Path.GetFileName(name));
            if (!template.Success)
            {
                // reportPackage.json, report.json, parameters.csv, FilingIndicators.csv: the package's frame, not the register.
                log.Count("files");
                continue;
            }

            var code = template.Groups[1].Value.ToLowerInvariant();
            if (!ReadTemplates.Contains(code))
            {
                log.Count(code.ToUpperInvariant());
                continue;
            }

            var (header, rows) = Csv.Read(text, name);
            if (!header.Contains("c0010"))
            {
                throw new UnreadableFileException(name, 1, $"a {code.ToUpperInvariant()} table has columns c0010, c0020...; this header has none of them");
            }

            if (!tables.TryGetValue(code, out var list))
            {
                tables[code] = list = [];
            }

            list.AddRange(rows);
        }

        var nodes = new Dictionary<string, ImportedNode>(StringComparer.Ordinal);
        var dependencies = new Dictionary<(string, string), ImportedDependency>();
        void AddNode(string id, string? name, string kind, Dictionary<string, string> attributes, string place)
        {
            if (!nodes.TryAdd(id, new ImportedNode(id, name, kind, null, null, attributes)))
            {
                log.Skip("rows", "duplicate", place, $"'{GraphValidator.Shorten(id)}' is listed again; the first row is kept");
            }
        }

        void AddDependency(string from, string to, NodeState? effect, string place)
        {
            if (from == to)
            {
                log.Skip("dependencies", "self-reference", place, $"'{GraphValidator.Shorten(from)}' cannot depend on itself");
                return;
            }

            // One service used by an entity under several functions: the strongest reliance stated wins.
            if (dependencies.TryGetValue((from, to), out var known) && (known.Effect ?? NodeState.Down) >= (effect ?? NodeState.Down))
            {
                return;
            }

            dependencies[(from, to)] = new ImportedDependency(from, to, null, effect, null);
        }

        foreach (var row in Rows("b_01.02"))
        {
            if (Required(row, "c0010", "the entity's LEI") is { } lei)
            {
                AddNode(EntityId(lei), row["c0020"] ?? lei, Node.Customer, Attributes(row, ("c0010", "lei"), ("c0030", "country"), ("c0040", "entity-type")), row.Place);
            }
        }

        foreach (var row in Rows("b_05.01"))
        {
            if (Required(row, "c0010", "the provider's identification code") is { } code)
            {
                AddNode(SourceIds.Map(code), row["c0050"] ?? row["c0060"] ?? code, Node.Supplier,
                    Attributes(row, ("c0020", "code-type"), ("c0070", "person-type"), ("c0080", "country"), ("c0110", "ultimate-parent")), row.Place);
            }
        }

        foreach (var row in Rows("b_06.01"))
        {
            if (Required(row, "c0010", "the function identifier") is { } function)
            {
                var attributes = Attributes(row, ("c0020", "licensed-activity"), ("c0040", "entity"), ("c0050", "critical"), ("c0060", "criticality-reasons"),
                    ("c0080", "rto-hours"), ("c0090", "rpo-hours"), ("c0100", "discontinuing-impact"));
                AddNode(FunctionId(function), row["c0030"] ?? function, "function", attributes, row.Place);
            }
        }

        foreach (var row in Rows("b_02.02"))
        {
            var (arrangement, provider, type) = (Required(row, "c0010", "the arrangement's reference"), Required(row, "c0030", "the provider's code"), row["c0060"] ?? "ict");
            if (arrangement is null || provider is null)
            {
                continue;
            }

            NodeState? effect = null;
            if (row["c0180"] is { } reliance)
            {
                if (!Reliance.TryGetValue(reliance, out var state))
                {
                    log.Warn("unknown-code", $"{row.Place}", $"level of reliance '{GraphValidator.Shorten(reliance)}' is not one of the EBA's (eba_ZZ:x794 to x797); read as full reliance");
                }
                else
                {
                    effect = state;
                }
            }

            var service = ServiceId(arrangement, type);
            if (!nodes.ContainsKey(service))
            {
                AddNode(service, $"{Labels.GetValueOrDefault(type, type)} ({arrangement})", Node.Service,
                    Attributes(row, ("c0010", "arrangement"), ("c0060", "service-type"), ("c0130", "country-of-provision"), ("c0170", "data-sensitiveness")), row.Place);
            }

            AddDependency(service, SourceIds.Map(provider), null, row.Place);
            if (row["c0020"] is { } lei)
            {
                AddDependency(EntityId(lei), service, effect, row.Place);
            }

            if (row["c0050"] is { } function)
            {
                AddDependency(FunctionId(function), service, effect, row.Place);
            }
        }

        foreach (var row in Rows("b_05.02"))
        {
            var (provider, recipient) = (Required(row, "c0030", "the provider's code"), row["c0060"]);
            if (provider is null)
            {
                continue;
            }

            if (recipient is null)
            {
                // Rank 1 names no recipient: the entity's own provider, which B_02.02 already ties to its service.
                log.Count("rank-1 supply chain rows");
                continue;
            }

            AddDependency(SourceIds.Map(recipient), SourceIds.Map(provider), null, row.Place);
        }

        foreach (var row in Rows("b_07.01"))
        {
            var (arrangement, type) = (Required(row, "c0010", "the arrangement's reference"), row["c0040"] ?? "ict");
            if (arrangement is null)
            {
                continue;
            }

            var id = ServiceId(arrangement, type);
            if (!nodes.TryGetValue(id, out var service))
            {
                log.Skip("assessments", "dangling-reference", row.Place, $"no B_02.02 row has arrangement '{GraphValidator.Shorten(arrangement)}' with service type '{GraphValidator.Shorten(type)}'");
                continue;
            }

            var assessed = new Dictionary<string, string>(service.Attributes, StringComparer.Ordinal);
            foreach (var (key, value) in Attributes(row, ("c0050", "substitutability"), ("c0060", "not-substitutable-because"), ("c0080", "exit-plan"),
                         ("c0090", "reintegration"), ("c0100", "discontinuing-impact"), ("c0110", "alternative-providers"), ("c0120", "alternative-provider")))
            {
                assessed[key] = value;
            }

            nodes[id] = service with { Attributes = assessed };
        }

        return log.Read(nodes.Values.ToList(), dependencies.Values.ToList());

        IEnumerable<CsvRow> Rows(string table) => tables.GetValueOrDefault(table) ?? [];

        string? Required(CsvRow row, string column, string what)
        {
            if (row[column] is { } value)
            {
                return value;
            }

            log.Skip("rows", "missing-field", row.Place, $"{column} ({what}) is empty");
            return null;
        }
    }

    private static string EntityId(string lei) => SourceIds.Map($"entity:{lei}");

    private static string FunctionId(string function) => SourceIds.Map($"function:{function}");

    private static string ServiceId(string arrangement, string type) => SourceIds.Map($"ict:{arrangement}:{type}");

    /// <summary>The row's filled columns under attribute names, closed-list codes in the EBA's words.</summary>
    private static Dictionary<string, string> Attributes(CsvRow row, params (string Column, string Key)[] columns)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (column, key) in columns)
        {
            if (row[column] is { } value && value.Length <= GraphValidator.MaxTextLength)
            {
                attributes[key] = Labels.GetValueOrDefault(value, value);
            }
        }

        return attributes;
    }

    [GeneratedRegex(@"^(b_\d\d\.\d\d)\.csv$", RegexOptions.IgnoreCase)]
    private static partial Regex Template();
}
