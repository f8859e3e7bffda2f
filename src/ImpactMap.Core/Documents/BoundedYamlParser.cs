using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ImpactMap.Core.Documents;

/// <summary>
/// A YAML parser that refuses what would take the process down before anything is built from it: nesting past
/// <see cref="MaxDepth"/> (YamlDotNet's deserializers recurse once per level, and 10,000 levels overflow the
/// stack) and aliases that expand past their budget (a 511-byte document of nested aliases stands for 20 GB).
/// </summary>
/// <remarks>
/// Sizes are counted in units: a scalar is its length plus one, a collection one. Aliases may add at most as many
/// units as the document itself holds, or <see cref="MinAliasBudget"/> where that is more, so a shared block of
/// defaults is fine and a document never stands for more than about twice itself.
/// </remarks>
public sealed class BoundedYamlParser : IParser
{
    /// <summary>The deepest nesting of sequences and mappings read.</summary>
    public const int MaxDepth = 64;

    /// <summary>What aliases may always add, however small the document.</summary>
    public const long MinAliasBudget = 1_000_000;

    private readonly IParser _inner;
    private readonly Dictionary<string, long> _anchorUnits = new(StringComparer.Ordinal);
    private readonly Stack<(string Anchor, long Start, int Depth)> _openAnchors = new();
    private long _units;
    private long _aliasUnits;
    private int _depth;

    /// <summary>A parser over the reader's text.</summary>
    public BoundedYamlParser(TextReader reader) => _inner = new Parser(reader);

    /// <inheritdoc />
    public ParsingEvent? Current => _inner.Current;

    /// <inheritdoc />
    public bool MoveNext()
    {
        if (!_inner.MoveNext())
        {
            return false;
        }

        switch (_inner.Current)
        {
            case Scalar scalar:
                _units += scalar.Value.Length + 1;
                if (!scalar.Anchor.IsEmpty)
                {
                    _anchorUnits[scalar.Anchor.Value] = scalar.Value.Length + 1;
                }

                break;
            case NodeEvent { } start and (MappingStart or SequenceStart):
                if (++_depth > MaxDepth)
                {
                    throw new YamlException(start.Start, start.End, $"nesting deeper than {MaxDepth} levels is not accepted");
                }

                _units++;
                if (!start.Anchor.IsEmpty)
                {
                    _openAnchors.Push((start.Anchor.Value, _units - 1, _depth));
                }

                break;
            case MappingEnd or SequenceEnd:
                if (_openAnchors.TryPeek(out var open) && open.Depth == _depth)
                {
                    _openAnchors.Pop();
                    _anchorUnits[open.Anchor] = _units - open.Start;
                }

                _depth--;
                break;
            case AnchorAlias alias:
                var size = _anchorUnits.GetValueOrDefault(alias.Value.Value, 1);
                _aliasUnits += size;
                _units += size;
                if (_aliasUnits > Math.Max(MinAliasBudget, _units - _aliasUnits))
                {
                    throw new YamlException(alias.Start, alias.End,
                        $"aliases expand the document past {Math.Max(MinAliasBudget, _units - _aliasUnits):N0} units (each scalar's length plus one); " +
                        "write the repeated parts out or share less");
                }

                break;
        }

        return true;
    }
}
