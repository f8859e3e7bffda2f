using ImpactMap.Core.Model;

namespace ImpactMap.Core.Imports;

/// <summary>
/// A ServiceNow CMDB as its list exports write it: <c>cmdb_ci</c> (a CI per row: sys_id, name, sys_class_name,
/// and whatever other columns were chosen) and <c>cmdb_rel_ci</c> (parent, type, child). "Depends on", "Runs on",
/// "Hosted on" and "Uses" make the parent depend on the child; "Members" makes the parent need one of its
/// members. An export that carries display names instead of sys_ids (a list export's default) is read by name.
/// </summary>
public static class ServiceNowImport
{
    /// <summary>The group a CI with "Members::Member of" relations needs one of.</summary>
    public const string MembersGroup = "members";

    // The relation types that are dependencies, by the name before "::" (ServiceNow writes "Depends on::Used by").
    private static readonly HashSet<string> DependencyTypes = new(["depends on", "runs on", "hosted on", "uses"], StringComparer.OrdinalIgnoreCase);

    // Classes and class labels that are what ImpactMap calls a service.
    private static readonly HashSet<string> ServiceClasses = new(
        ["cmdb_ci_service", "cmdb_ci_service_auto", "cmdb_ci_service_discovered", "cmdb_ci_service_technical", "cmdb_ci_service_business",
         "cmdb_ci_service_calculated", "cmdb_ci_business_app", "service_offering", "business service", "business application",
         "application service", "technical service", "service", "service offering", "mapped application service", "calculated application service"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the files; each is told apart by its header (parent, child and type: relations; name: CIs).</summary>
    public static ImportedGraph Read(IReadOnlyList<(string Name, string Text)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var log = new ImportLog();
        var ciRows = new List<CsvRow>();
        var relationRows = new List<CsvRow>();
        foreach (var (name, text) in files)
        {
            var (header, rows) = Csv.Read(text, name);
            if (Column(header, "parent") is not null && Column(header, "child") is not null && Column(header, "type") is not null)
            {
                relationRows.AddRange(rows);
            }
            else if (header.Contains("name") || header.Contains("sys_id"))
            {
                ciRows.AddRange(rows);
            }
            else
            {
                throw new UnreadableFileException(name, 1, "neither a cmdb_ci export (sys_id or name columns) nor a cmdb_rel_ci export (parent, type and child columns)");
            }
        }

        var nodes = new Dictionary<string, (ImportedNode Node, string Place)>(StringComparer.Ordinal);
        var byName = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var row in ciRows)
        {
            var sysId = row["sys_id"];
            var name = row["name"];
            if (sysId is null && name is null)
            {
                log.Skip("configuration items", "missing-id", row.Place, "a CI needs a sys_id or a name");
                continue;
            }

            var id = SourceIds.Map(sysId ?? name!);
            if (nodes.ContainsKey(id))
            {
                log.Skip("configuration items", "duplicate", row.Place, $"the CI '{GraphValidator.Shorten(sysId ?? name)}' appears again; the first one is kept");
                continue;
            }

            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            if (sysId is not null && id != sysId)
            {
                attributes[SourceIds.Attribute] = sysId;
            }

            foreach (var (column, value) in row.Fields)
            {
                var key = column == "sys_class_name" ? "class" : column;
                // sys_updated_on and its kin say when the record was edited, not what the CI is.
                if (value.Length == 0 || column is "sys_id" or "name" || (column.StartsWith("sys_", StringComparison.Ordinal) && key != "class"))
                {
                    continue;
                }

                if (key.Length > 100 || value.Length > GraphValidator.MaxTextLength)
                {
                    log.Warn("long-attribute", row.Place, $"the column '{GraphValidator.Shorten(column)}' is longer than an attribute may be; left out");
                    continue;
                }

                attributes[key] = value;
            }

            nodes[id] = (new ImportedNode(id, name ?? sysId, KindOf(row["sys_class_name"]), null, null, attributes), row.Place);
            if (name is not null)
            {
                if (!byName.TryGetValue(name, out var named))
                {
                    byName[name] = named = [];
                }

                named.Add(id);
            }
        }

        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        var dependencies = new List<ImportedDependency>();
        var pairs = new HashSet<(string, string)>();
        var withMembers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in relationRows)
        {
            var (parent, child, type) = (Field(row, "parent"), Field(row, "child"), Field(row, "type"));
            if (parent is null || child is null || type is null)
            {
                log.Skip("relationships", "missing-end", row.Place, "a relationship needs a parent, a type and a child");
                continue;
            }

            var forward = type.Split("::", 2)[0].Trim();
            var members = forward.Equals("members", StringComparison.OrdinalIgnoreCase);
            if (!members && !DependencyTypes.Contains(forward))
            {
                // Containment, location, licensing and the like say nothing about who goes down with whom.
                log.Count(type.Trim());
                continue;
            }

            var (from, to) = (Resolve(parent, row.Place), Resolve(child, row.Place));
            if (from == to)
            {
                log.Skip("relationships", "self-reference", row.Place, $"'{GraphValidator.Shorten(parent)}' relates to itself; a node cannot depend on itself");
                continue;
            }

            if (!pairs.Add((from, to)))
            {
                log.Skip("relationships", "duplicate", row.Place, $"'{GraphValidator.Shorten(parent)}' and '{GraphValidator.Shorten(child)}' are related again; the first one is kept");
                continue;
            }

            if (members)
            {
                if (!nodes.ContainsKey(from))
                {
                    log.Skip("relationships", "dangling-reference", row.Place,
                        $"'{GraphValidator.Shorten(parent)}' has members but is not a CI of this import, so its group of members cannot be stated");
                    continue;
                }

                withMembers.Add(from);
            }

            dependencies.Add(new ImportedDependency(from, to, members ? MembersGroup : null, null, null));
        }

        var imported = nodes.Values.Select(n => withMembers.Contains(n.Node.Id)
                ? n.Node with { Groups = new Dictionary<string, int>(StringComparer.Ordinal) { [MembersGroup] = 1 } }
                : n.Node)
            .ToList();
        return log.Read(imported, dependencies);

        // A sys_id first; else a display name, which a list export writes by default; else the value as an id the graph may hold.
        string Resolve(string reference, string place)
        {
            var id = SourceIds.Map(reference);
            if (nodes.ContainsKey(id) || !byName.TryGetValue(reference, out var named))
            {
                return id;
            }

            if (named.Count > 1 && ambiguous.Add(reference))
            {
                log.Warn("ambiguous-name", place,
                    $"{named.Count} CIs are named '{GraphValidator.Shorten(reference)}'; relationships by that name go to the first, {named[0]}; export sys_ids to tell them apart");
            }

            return named[0];
        }
    }

    /// <summary>The kind for a CI class: cmdb_ci_ stripped, '_' as '-'; service and business application classes are services.</summary>
    public static string KindOf(string? className)
    {
        if (className is null)
        {
            return "ci";
        }

        var name = className.Trim();
        if (ServiceClasses.Contains(name))
        {
            return Model.Node.Service;
        }

        name = name.ToLowerInvariant();
        name = name.StartsWith("cmdb_ci_", StringComparison.Ordinal) ? name["cmdb_ci_".Length..] : name == "cmdb_ci" ? "ci" : name;
        var kind = new string(name.Select(c => c is '_' or ' ' ? '-' : c).Where(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-').ToArray()).Trim('-');
        return Identifier.IsValidKind(kind) ? kind : "ci";
    }

    // Dot-walked columns (parent.sys_id, type.name) are what an export with chosen fields writes.
    private static string? Field(CsvRow row, string column) =>
        row[column] ?? row[$"{column}.sys_id"] ?? row[$"{column}.name"];

    private static string? Column(IReadOnlyList<string> header, string column) =>
        header.FirstOrDefault(h => h == column || h == $"{column}.sys_id" || h == $"{column}.name");
}
