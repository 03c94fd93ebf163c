"""Bot-wall pages of each vendor, written after the markup of the real pages (text
shortened, ids made up), for ``test_bot_walls.py`` and ``test_faults.py``."""

CLOUDFLARE_CHALLENGE = b"""<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta name="robots" content="noindex,nofollow"></head><body class="no-js">
<div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">news.example</h1>
<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>
<noscript><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></noscript>
<div id="challenge-body-text" class="core-msg spacer">news.example needs to review the security
of your connection before proceeding.</div>
<form id="challenge-form" action="/2020/05/story/?__cf_chl_f_tk=M29IgSLQ4E" method="POST"></form>
</div></div><script>(function(){window._cf_chl_opt={cvId: '2',cType: 'managed'};
var a = document.createElement('script');
a.src = '/cdn-cgi/challenge-platform/h/g/orchestrate/managed/v1?ray=77839e47c8743481';
document.getElementsByTagName('head')[0].appendChild(a);}());</script>
<div class="footer" role="contentinfo">Ray ID: 77839e47c8743481 &middot; Performance &amp; security by
Cloudflare</div></body></html>"""

CLOUDFLARE_BLOCK = b"""<!DOCTYPE html><html class="no-js" lang="en-US"><head>
<title>Attention Required! | Cloudflare</title></head><body><div id="cf-wrapper">
<div id="cf-error-details" class="cf-error-details-wrapper"><div class="cf-wrapper">
<h1>Sorry, you have been blocked</h1><h2>You are unable to access news.example</h2>
<h2>Why have I been blocked?</h2><p>This website is using a security service to protect
itself from online attacks. The action you just performed triggered the security solution.
There are several actions that could trigger this block including submitting a certain word
or phrase, a SQL command or malformed data.</p><h2>What can I do to resolve this?</h2>
<p>You can email the site owner to let them know you were blocked. Please include what you
were doing when this page came up and the Cloudflare Ray ID found at the bottom of this
page.</p><p>Cloudflare Ray ID: 7d2f0c1b2a3e4f56 &bull; Your IP: 192.0.2.1 &bull;
Performance &amp; security by Cloudflare</p></div></div></div></body></html>"""

AKAMAI = b"""<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>
You don't have permission to access "http&#58;&#47;&#47;news&#46;example&#47;2020&#47;story" on
this server.<P>Reference&#32;&#35;18&#46;5c2a0b17&#46;1589871234&#46;2a3b4c5d<P>
https&#58;&#47;&#47;errors&#46;edgesuite&#46;net&#47;18&#46;5c2a0b17</BODY></HTML>"""

DATADOME = b"""<html><head><title>news.example</title></head><body style="margin:0">
<p id="cmsg">Please enable JS and disable any ad blocker</p>
<script>var dd={'rt':'c','cid':'AHrlqAAAAAMA','hsh':'2211F522','t':'fe','host':
'geo.captcha-delivery.com'}</script>
<script src="https://ct.captcha-delivery.com/c.js"></script></body></html>"""

PERIMETERX = b"""<!DOCTYPE html><html lang="en"><head><title>Access to this page has been
denied</title></head><body><div class="container"><h1>Access to this page has been denied
</h1><p>We believe you are using automation tools to browse the website.</p>
<div id="px-captcha"></div><p>Press &amp; Hold to confirm you are a human (and not a bot).</p>
<p>Reference ID 6d3e1f20-9a7b</p><a href="https://www.perimeterx.com/whywasiblocked">Why was
I blocked?</a></div><script>window._pxAppId = 'PXabc123';</script></body></html>"""

SUCURI = b"""<html><head><title>You are being redirected...</title></head><body>
<noscript>Javascript is required. Please enable javascript before you are allowed to see
this page.</noscript><script>var s={},u,c,U,r,i,l=0,a,e=eval;
document.cookie='sucuri_cloudproxy_uuid_0a1b2c=1';location.reload();</script></body></html>"""

JAVASCRIPT_SHELL = b"""<!doctype html><html><head><title>News</title></head><body>
<noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
<script src="/static/js/main.3f2a.js"></script></body></html>"""
