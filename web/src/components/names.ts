// Display names for ids the API returns bare (units, areas). Units are read once per page load.
import { useEffect, useState } from 'react';
import { api, type Unit } from '../api/client';
import { t } from '../text';

let units: Promise<Map<string, Unit>> | null = null;

export function useUnitNames(): (id: string) => string {
  const [map, setMap] = useState<Map<string, Unit> | null>(null);
  useEffect(() => {
    units ??= api.units().then((list) => new Map(list.map((unit) => [unit.id, unit])), () => { units = null; return new Map(); });
    let live = true;
    units.then((loaded) => live && setMap(loaded));
    return () => { live = false; };
  }, []);
  return (id: string) => map?.get(id)?.name ?? id;
}

export const areaName = (id: string) => t.areaNames[id] ?? id;
