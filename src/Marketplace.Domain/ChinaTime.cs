namespace Marketplace.Domain;

/// <summary>China Standard Time (UTC+8, no daylight saving): the calendar every date of the platform is in.</summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The calendar day in China of a UTC instant (an order accepted at 23:59 on 30 June counts in June).</summary>
    public static DateOnly DateOf(DateTime utc) => DateOnly.FromDateTime(utc.Add(Offset));
}
