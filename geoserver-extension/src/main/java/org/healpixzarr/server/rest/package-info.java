/**
 * The admin REST API (GeoServer-shaped JSON) and the admin password (generated, PBKDF2-hashed, owner-only file).
 */
package org.healpixzarr.server.rest;
