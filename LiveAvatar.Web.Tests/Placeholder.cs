namespace LiveAvatar.Web.Tests;
