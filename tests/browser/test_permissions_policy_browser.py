"""Chromium understands every feature our Permissions-Policy header names."""

GUIDE = "/de/linkedin/ki-training/"


class PermissionsPolicyBrowserTests:
    def test_browser_reports_no_unknown_feature(self, page, live_server, reader_guide):
        messages = []
        page.on("console", lambda message: messages.append(message.text))

        response = page.goto(live_server.url + GUIDE)

        assert "camera=()" in response.headers["permissions-policy"]
        assert [m for m in messages if "Permissions-Policy" in m or "Permissions Policy" in m] == []
