using System.Net;

namespace LiveAvatar.Web.Tests.Api;

public class ApiSmokeTests
{
    [Fact]
    public async Task The_health_endpoint_answers_through_the_real_pipeline()
    {
        using var factory = new ApiFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/api/v1/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"queue\"", await response.Content.ReadAsStringAsync());
    }
}
