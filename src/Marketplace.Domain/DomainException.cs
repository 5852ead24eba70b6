namespace Marketplace.Domain;

/// <summary>A business rule refused the request. The message is bilingual: Chinese / English.</summary>
public class DomainException(string messageZh, string messageEn) : Exception(messageZh + " / " + messageEn)
{
    public string MessageZh { get; } = messageZh;
    public string MessageEn { get; } = messageEn;
}

/// <summary>The actor may not do this at all (wrong role or outside their scope), as opposed to a bad request.</summary>
public sealed class ForbiddenException(string messageZh, string messageEn) : DomainException(messageZh, messageEn);
