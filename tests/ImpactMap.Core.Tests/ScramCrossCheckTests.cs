using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using ImpactMap.Core.Engine;
using ImpactMap.Core.Model;
using ImpactMap.Core.Resilience;

namespace ImpactMap.Core.Tests;

/// <summary>
/// The resilience analysis against SCRAM, an independent fault-tree tool (Debian's scram package): random
/// acyclic graphs with groups, effects and availabilities written as Open-PSA fault trees, analysed with
/// BDDs, compared for minimal cut sets, unavailability and importance. SCRAM prints six significant digits,
/// so figures agree to 1e-5 relative (exact cut sets agree exactly).
/// </summary>
[Category(TestTiers.External)]
public class ScramCrossCheckTests
{
    private const double Digits = 1e-5;
    private static readonly double?[] Availabilities = [null, 0.5, 0.9, 0.99, 0.999];

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property Cut_sets_unavailability_and_importance_match_scram() =>
        Prop.ForAll(Arb.From(ResilienceTests.Questions(Availabilities)), question =>
            {
                var graph = Acyclic(question.Graph);
                var (node, level) = (question.Node, question.Level);
                var ours = new PropagationEngine(graph).Resilience(new ResilienceQuery(node, level, MaxOrder: 4, Limit: 100_000));
                var theirs = Scram.Analyse(FaultTree.Write(graph, node, level));

                Assert.That(ours.CutSets.Select(c => string.Join(",", c.Nodes)), Is.EquivalentTo(theirs.CutSets.Select(s => string.Join(",", s.Order(StringComparer.Ordinal)))));
                Assert.That(ours.Unavailability, Is.EqualTo(theirs.Probability).Within(Digits * theirs.Probability + 1e-300));
                foreach (var importance in ours.Importance)
                {
                    var their = theirs.Importance[importance.Node];
                    Assert.That(importance.Birnbaum, Is.EqualTo(their.Mif).Within(Digits * Math.Abs(their.Mif) + 1e-12), $"birnbaum {importance.Node}");
                    Assert.That(importance.Criticality, Is.EqualTo(their.Cif).Within(Digits * Math.Abs(their.Cif) + 1e-12), $"criticality {importance.Node}");
                    Assert.That(importance.Diagnosis, Is.EqualTo(their.Dif).Within(Digits * Math.Abs(their.Dif) + 1e-12), $"diagnosis {importance.Node}");
                    Assert.That(importance.Raw, Is.EqualTo(their.Raw).Within(Digits * Math.Abs(their.Raw)), $"raw {importance.Node}");
                    if (importance.Rrw is { } rrw)
                    {
                        Assert.That(rrw, Is.EqualTo(their.Rrw).Within(Digits * Math.Abs(their.Rrw)), $"rrw {importance.Node}");
                    }
                }
            });

    /// <summary>The graph without dependencies from a node to a later one (so without cycles), groups shrunk to fit.</summary>
    private static DependencyGraph Acyclic(DependencyGraph graph)
    {
        var index = graph.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var kept = graph.Dependencies.Where(d => index[d.From] > index[d.To]).ToList();
        var nodes = graph.Nodes.Select(n =>
        {
            var groups = n.Groups.Select(g => (g.Key, Need: Math.Min(g.Value, kept.Count(d => d.From == n.Id && d.Group == g.Key))))
                .Where(g => g.Need > 0).ToDictionary(g => g.Key, g => g.Need);
            return n with { Groups = groups };
        }).ToList();
        return DependencyGraph.Create(nodes, kept);
    }

    /// <summary>"The node reaches the level" as an Open-PSA MEF fault tree, gate by gate, written the way the README's semantics say.</summary>
    private static class FaultTree
    {
        public static string Write(DependencyGraph graph, string top, NodeState level)
        {
            var gates = new Dictionary<string, XElement>();
            var events = new HashSet<string>();
            var root = Gate(graph, top, level, gates, events);
            var tree = new XElement("define-fault-tree", new XAttribute("name", "impactmap"),
                new XElement("define-gate", new XAttribute("name", "top"), root), gates.Values);
            var data = new XElement("model-data", events.Order(StringComparer.Ordinal).Select(id => new XElement("define-basic-event",
                new XAttribute("name", $"e-{id}"),
                new XElement("float", new XAttribute("value", (1 - (graph.FindNode(id)!.Availability ?? 1)).ToString("R", CultureInfo.InvariantCulture))))));
            return new XDocument(new XElement("opsa-mef", tree, data)).ToString();
        }

        private static XElement Gate(DependencyGraph graph, string id, NodeState level, Dictionary<string, XElement> gates, HashSet<string> events)
        {
            var name = $"g-{id}-{(int)level}";
            if (!gates.ContainsKey(name))
            {
                gates[name] = null!;
                events.Add(id);
                var inputs = new List<XElement> { new("basic-event", new XAttribute("name", $"e-{id}")) };
                var node = graph.FindNode(id)!;
                foreach (var d in graph.Dependencies.Where(d => d.From == id && d.Group is null && d.Effect >= level))
                {
                    inputs.Add(Gate(graph, d.To, level, gates, events));
                }

                foreach (var group in graph.Dependencies.Where(d => d.From == id && d.Group is not null).GroupBy(d => d.Group!))
                {
                    var members = group.ToList();
                    var need = node.NeedOf(group.Key);
                    var worse = level == NodeState.AtRisk ? NodeState.Degraded : level;
                    var parts = new List<XElement?> { AtLeast(graph, members, worse, members.Count - need + 1, gates, events) };
                    if (level == NodeState.AtRisk)
                    {
                        parts.Add(AtLeast(graph, members, NodeState.AtRisk, Math.Max(1, members.Count - need), gates, events));
                    }

                    inputs.AddRange(parts.OfType<XElement>());
                }

                gates[name] = new XElement("define-gate", new XAttribute("name", name), Connective("or", inputs));
            }

            return new XElement("gate", new XAttribute("name", name));
        }

        /// <summary>At least k of the members at the level (capped at their effects); null when it cannot hold.</summary>
        private static XElement? AtLeast(DependencyGraph graph, List<Dependency> members, NodeState level, int k, Dictionary<string, XElement> gates, HashSet<string> events)
        {
            var inputs = members.Where(m => m.Effect >= level).Select(m => Gate(graph, m.To, level, gates, events)).ToList();
            return k > inputs.Count ? null : k == 1 ? Connective("or", inputs) : k == inputs.Count ? Connective("and", inputs)
                : new XElement("atleast", new XAttribute("min", k), inputs);
        }

        private static XElement Connective(string name, List<XElement> inputs) => inputs.Count == 1 ? inputs[0] : new XElement(name, inputs);
    }

    private sealed record Figures(double Mif, double Cif, double Dif, double Raw, double Rrw);

    private sealed record Analysis(List<List<string>> CutSets, double Probability, Dictionary<string, Figures> Importance);

    private static class Scram
    {
        public static Analysis Analyse(string faultTree)
        {
            var folder = Directory.CreateTempSubdirectory("impactmap-scram-");
            try
            {
                var input = Path.Combine(folder.FullName, "tree.xml");
                var output = Path.Combine(folder.FullName, "report.xml");
                File.WriteAllText(input, faultTree, Encoding.UTF8);
                var info = new ProcessStartInfo("scram") { RedirectStandardError = true, RedirectStandardOutput = true };
                foreach (var argument in new[] { "--bdd", "--probability", "1", "--importance", "1", "--limit-order", "4", "--cut-off", "0", input, "-o", output })
                {
                    info.ArgumentList.Add(argument);
                }

                using var process = Process.Start(info) ?? throw new InvalidOperationException("scram did not start");
                var errors = process.StandardError.ReadToEnd();
                process.WaitForExit();
                Assert.That(process.ExitCode, Is.Zero, $"scram failed: {errors}\n{faultTree}");
                var report = XDocument.Load(output).Root!.Element("results")!;
                // A gate built for a member that a k-of-n then cannot use is a top of its own to SCRAM: read ours only.
                var products = report.Elements("sum-of-products").Single(e => e.Attribute("name")!.Value == "top");
                string Id(XElement e) => e.Attribute("name")!.Value["e-".Length..];
                double Number(XElement e, string name) => double.Parse(e.Attribute(name)!.Value, CultureInfo.InvariantCulture);
                return new Analysis(
                    products.Elements("product").Select(p => p.Elements("basic-event").Select(Id).ToList()).ToList(),
                    Number(products, "probability"),
                    report.Elements("importance").SingleOrDefault(e => e.Attribute("name")!.Value == "top")?.Elements("basic-event").ToDictionary(Id, e =>
                        new Figures(Number(e, "MIF"), Number(e, "CIF"), Number(e, "DIF"), Number(e, "RAW"), Number(e, "RRW"))) ?? []);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException("scram is not installed: apt-get install scram (./build.sh test does)", e);
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        }
    }
}
