"""Distance and travel-time matrices: great-circle distance × a detour factor, or supplied.

Rows and columns run over the problem's depots first, then its orders.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from parkzero.routing.models import Problem

__all__ = ["EARTH_RADIUS_KM", "Matrices", "build_matrices", "euclidean_km", "haversine_km"]

#: Mean Earth radius, IUGG [km].
EARTH_RADIUS_KM = 6371.0088

FloatMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Matrices:
    """Distance and time between every pair of locations.

    Parameters
    ----------
    distance_km : numpy.ndarray
        Road distance, shape (n, n) [km].
    duration_min : numpy.ndarray
        Travel time, shape (n, n) [min].
    """

    distance_km: FloatMatrix
    duration_min: FloatMatrix


def haversine_km(points: npt.ArrayLike) -> FloatMatrix:
    """Great-circle distance between every pair of points.

    Parameters
    ----------
    points : array_like
        Shape (n, 2), ``(lat, lon)`` per row [deg].

    Returns
    -------
    numpy.ndarray
        Shape (n, n) [km].

    Examples
    --------
    One degree of latitude is about 111.2 km:

    >>> round(float(haversine_km([(30.0, 114.0), (31.0, 114.0)])[0, 1]), 1)
    111.2
    """
    p = np.radians(np.asarray(points, dtype=float))
    lat, lon = p[:, 0][:, None], p[:, 1][:, None]
    dlat = lat.T - lat
    dlon = lon.T - lon
    a = np.sin(dlat / 2) ** 2 + np.cos(lat) * np.cos(lat.T) * np.sin(dlon / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def euclidean_km(points: npt.ArrayLike) -> FloatMatrix:
    """Straight-line distance between every pair of planar points.

    Parameters
    ----------
    points : array_like
        Shape (n, 2), ``(x, y)`` per row [km].

    Returns
    -------
    numpy.ndarray
        Shape (n, n) [km].

    Examples
    --------
    >>> float(euclidean_km([(0, 0), (3, 4)])[0, 1])
    5.0
    """
    p = np.asarray(points, dtype=float)
    diff = p[:, None, :] - p[None, :, :]
    return np.asarray(np.sqrt((diff**2).sum(axis=-1)))


def build_matrices(problem: Problem) -> Matrices:
    """Distances and times for a problem.

    Supplied matrices are used as given. Otherwise distances are great-circle distances ×
    ``problem.detour_factor`` (``wgs84``) or straight lines (``euclidean``, no detour), and
    times are distance / ``problem.speed_kmh``.

    Parameters
    ----------
    problem : Problem
        The routing problem.

    Returns
    -------
    Matrices
        Distances [km] and travel times [min].
    """
    points = [d.location for d in problem.depots] + [o.location for o in problem.orders]
    if problem.distance_km is not None:
        dist = np.asarray(problem.distance_km, dtype=float)
    elif problem.coordinates == "wgs84":
        dist = haversine_km(points) * problem.detour_factor
    else:
        dist = euclidean_km(points)
    if problem.duration_min is not None:
        dur = np.asarray(problem.duration_min, dtype=float)
    else:
        dur = dist / problem.speed_kmh * 60.0
    return Matrices(distance_km=dist, duration_min=dur)
