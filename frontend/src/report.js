// A report's page: a small map of where the problem is.
import { placeMap } from "./map/place-map.js";

const element = document.getElementById("report-map");
if (element) placeMap(element);
