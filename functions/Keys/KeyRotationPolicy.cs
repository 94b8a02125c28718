using System.Xml;
using HsmVault.Objects;

namespace HsmVault.Keys;

/// <summary>One lifetime action of a rotation policy: Rotate or Notify, after creation or before expiry.</summary>
public sealed record RotationAction(string Type, TimeSpan? AfterCreate, TimeSpan? BeforeExpiry, string Trigger)
{
    public const string Rotate = "Rotate", Notify = "Notify";

    /// <summary>When this action is due for a key version created at <paramref name="created"/> expiring at <paramref name="expires"/>.</summary>
    public DateTimeOffset? DueAt(DateTimeOffset created, DateTimeOffset? expires) =>
        AfterCreate is { } after ? created + after
        : BeforeExpiry is { } before && expires is { } exp ? exp - before
        : null;
}

/// <summary>A validated rotation policy (Key Vault's rules), parsed from and written back to the wire shape.</summary>
public sealed record KeyRotationPolicy(IReadOnlyList<RotationAction> Actions, TimeSpan? ExpiryTime, string? ExpiryText)
{
    public static readonly TimeSpan MinExpiry = TimeSpan.FromDays(28);
    public static readonly TimeSpan MinRotateAfterCreate = TimeSpan.FromDays(7);
    public static readonly TimeSpan MinBeforeExpiry = TimeSpan.FromDays(7);

    public RotationAction? RotateAction => Actions.FirstOrDefault(a => a.Type == RotationAction.Rotate);
    public RotationAction? NotifyAction => Actions.FirstOrDefault(a => a.Type == RotationAction.Notify);

    public static KeyRotationPolicy Parse(KeyRotationPolicyWire wire)
    {
        var expiryText = wire.Attributes?.ExpiryTime;
        var expiry = expiryText is null ? (TimeSpan?)null : Duration(expiryText, "attributes.expiryTime");
        if (expiry is { } e && e < MinExpiry)
            throw VaultException.BadParameter("attributes.expiryTime must be at least 28 days (P28D).");
        var actions = new List<RotationAction>();
        foreach (var a in wire.LifetimeActions ?? [])
        {
            var type = a.Action?.Type switch
            {
                { } t when t.Equals(RotationAction.Rotate, StringComparison.OrdinalIgnoreCase) => RotationAction.Rotate,
                { } t when t.Equals(RotationAction.Notify, StringComparison.OrdinalIgnoreCase) => RotationAction.Notify,
                _ => throw VaultException.BadParameter("A lifetime action's action.type must be 'Rotate' or 'Notify'."),
            };
            var after = a.Trigger?.TimeAfterCreate;
            var before = a.Trigger?.TimeBeforeExpiry;
            if ((after is null) == (before is null))
                throw VaultException.BadParameter($"The {type} action needs exactly one trigger: timeAfterCreate or timeBeforeExpiry.");
            var afterSpan = after is null ? (TimeSpan?)null : Duration(after, "trigger.timeAfterCreate");
            var beforeSpan = before is null ? (TimeSpan?)null : Duration(before, "trigger.timeBeforeExpiry");
            if (type == RotationAction.Notify && afterSpan is not null)
                throw VaultException.BadParameter("The Notify action is triggered by timeBeforeExpiry only.");
            if (type == RotationAction.Rotate && afterSpan < MinRotateAfterCreate)
                throw VaultException.BadParameter("The Rotate action's timeAfterCreate must be at least 7 days (P7D).");
            if (beforeSpan is { } b)
            {
                if (b < MinBeforeExpiry) throw VaultException.BadParameter($"The {type} action's timeBeforeExpiry must be at least 7 days (P7D).");
                if (expiry is { } ex && b >= ex)
                    throw VaultException.BadParameter($"The {type} action's timeBeforeExpiry must be shorter than attributes.expiryTime.");
            }
            if (actions.Any(x => x.Type == type))
                throw VaultException.BadParameter($"A rotation policy has at most one {type} action.");
            actions.Add(new RotationAction(type, afterSpan, beforeSpan, after ?? before!));
        }
        if (actions.Any(a => a.Type == RotationAction.Rotate && a.AfterCreate is { } ac && expiry is { } ex && ac > ex - MinBeforeExpiry))
            throw VaultException.BadParameter("The Rotate action's timeAfterCreate must be at least 7 days shorter than attributes.expiryTime.");
        return new KeyRotationPolicy(actions, expiry, expiryText);
    }

    public KeyRotationPolicyWire ToWire(string id, DateTimeOffset? created, DateTimeOffset? updated) => new()
    {
        Id = id,
        LifetimeActions = Actions.Select(a => new LifetimeActionWire
        {
            Trigger = a.AfterCreate is not null ? new LifetimeTriggerWire { TimeAfterCreate = a.Trigger } : new LifetimeTriggerWire { TimeBeforeExpiry = a.Trigger },
            Action = new LifetimeActionTypeWire { Type = a.Type },
        }).ToList(),
        Attributes = new KeyRotationPolicyAttributesWire
        {
            ExpiryTime = ExpiryText, Created = created?.ToUnixTimeSeconds(), Updated = updated?.ToUnixTimeSeconds(),
        },
    };

    /// <summary>An ISO-8601 duration (P90D, P1Y6M, PT12H); years count 365 days and months 30, as Key Vault does.</summary>
    public static TimeSpan Duration(string text, string field)
    {
        try
        {
            var span = XmlConvert.ToTimeSpan(text);
            if (span > TimeSpan.Zero && text.StartsWith('P')) return span;
        }
        catch (FormatException) { }
        catch (OverflowException) { }
        throw VaultException.BadParameter($"{field} must be a positive ISO-8601 duration such as P90D (was '{ObjectNames.Short(text)}').");
    }
}
