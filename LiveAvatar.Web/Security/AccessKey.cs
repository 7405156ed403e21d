using System.Security.Cryptography;
using System.Text;

namespace LiveAvatar.Web.Security;

/// <summary>
/// The server key. Comparisons are constant-time over SHA-256 digests (equal lengths whatever was typed), so response
/// timing says nothing about how much of a guess was right. The login cookie carries an HMAC of the key, never the
/// key itself, and changes when the key does.
/// </summary>
public sealed class AccessKey
{
    public const string HeaderName = "X-Api-Key";
    public const string SessionCookie = "la-session";

    private readonly byte[]? keyDigest;
    private readonly byte[]? sessionToken;

    public AccessKey(string? key)
    {
        if (string.IsNullOrEmpty(key)) return;
        keyDigest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        sessionToken = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), "liveavatar-session-v1"u8);
    }

    /// <summary>False when the server runs without a key (loopback only).</summary>
    public bool IsRequired => keyDigest is not null;

    public string SessionValue => sessionToken is null ? "" : Convert.ToHexStringLower(sessionToken);

    public bool Matches(string? candidate) =>
        keyDigest is not null && candidate is not null
        && CryptographicOperations.FixedTimeEquals(keyDigest, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));

    public bool MatchesSession(string? cookie)
    {
        if (sessionToken is null || cookie is null || cookie.Length != sessionToken.Length * 2) return false;
        byte[] given;
        try { given = Convert.FromHexString(cookie); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(sessionToken, given);
    }

    /// <summary>The key from the X-Api-Key header or an "Authorization: Bearer" header.</summary>
    public static string? FromHeaders(IHeaderDictionary headers)
    {
        if (headers.TryGetValue(HeaderName, out var key) && key.Count == 1) return key[0];
        string? auth = headers.Authorization.Count == 1 ? headers.Authorization[0] : null;
        return auth is not null && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : null;
    }
}
